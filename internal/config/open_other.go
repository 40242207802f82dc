//go:build !unix

package config

// openFlags are none where opening a FIFO does not block.
const openFlags = 0
