//go:build unix

package config

import "syscall"

// openFlags open a file without waiting: opening a FIFO for reading would
// otherwise block until a writer comes.
const openFlags = syscall.O_NONBLOCK
