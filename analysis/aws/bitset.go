package aws

import (
	"encoding/binary"
	"math/bits"
)

// bitset is a set of resources of a group, by their position.
type bitset []uint64

func newBitset(words int) bitset { return make(bitset, words) }

func (b bitset) set(i int) { b[i/64] |= 1 << (i % 64) }

func (b bitset) clone() bitset { return append(bitset(nil), b...) }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the lowest member, -1 when empty.
func (b bitset) first() int {
	for i, w := range b {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// andCount returns how many members b shares with c, and how many it has.
func (b bitset) andCount(c bitset) (shared, total int) {
	for i, w := range b {
		shared += bits.OnesCount64(w & c[i])
		total += bits.OnesCount64(w)
	}
	return shared, total
}

func (b bitset) and(c bitset) bitset {
	out := make(bitset, len(b))
	for i := range b {
		out[i] = b[i] & c[i]
	}
	return out
}

func (b bitset) andNot(c bitset) bitset {
	out := make(bitset, len(b))
	for i := range b {
		out[i] = b[i] &^ c[i]
	}
	return out
}

func (b bitset) or(c bitset) {
	for i := range b {
		b[i] |= c[i]
	}
}

func (b bitset) bytes() []byte {
	out := make([]byte, 8*len(b))
	for i, w := range b {
		binary.LittleEndian.PutUint64(out[8*i:], w)
	}
	return out
}

// members lists the positions in b.
func (b bitset) members() []int {
	var list []int
	for i, w := range b {
		for w != 0 {
			j := bits.TrailingZeros64(w)
			list = append(list, i*64+j)
			w &^= 1 << j
		}
	}
	return list
}
