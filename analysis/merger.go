package analysis

// merger merges ascending lists of node indices.
type merger struct {
	heap  []int32 // list indices, by head value
	lists [][]int32
}

// each calls fn with every value of the lists in ascending order (values in
// several lists repeat) until fn returns false.
func (m *merger) each(lists [][]int32, fn func(v int32) bool) {
	m.lists = append(m.lists[:0], lists...)
	m.heap = m.heap[:0]
	for i, l := range m.lists {
		if len(l) > 0 {
			m.heap = append(m.heap, int32(i))
			m.up(len(m.heap) - 1)
		}
	}
	for len(m.heap) > 0 {
		top := m.heap[0]
		l := m.lists[top]
		v := l[0]
		if len(l) == 1 {
			last := len(m.heap) - 1
			m.heap[0] = m.heap[last]
			m.heap = m.heap[:last]
		} else {
			m.lists[top] = l[1:]
		}
		m.down(0)
		if !fn(v) {
			return
		}
	}
}

func (m *merger) less(i, j int) bool { return m.lists[m.heap[i]][0] < m.lists[m.heap[j]][0] }

func (m *merger) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !m.less(i, p) {
			return
		}
		m.heap[i], m.heap[p] = m.heap[p], m.heap[i]
		i = p
	}
}

func (m *merger) down(i int) {
	for {
		l, small := 2*i+1, i
		if l < len(m.heap) && m.less(l, small) {
			small = l
		}
		if r := l + 1; r < len(m.heap) && m.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		m.heap[i], m.heap[small] = m.heap[small], m.heap[i]
		i = small
	}
}
