module github.com/blastradius/blastradius

go 1.24

require github.com/dominikbraun/graph v0.23.0
