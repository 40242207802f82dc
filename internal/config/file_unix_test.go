//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A path swapped for a FIFO between the check of what it is and the
// opening (a hostile or racing environment) is refused, not waited on: the
// reader opens without blocking and checks what it opened.
func TestReadKeyFile_swappedForFIFO(t *testing.T) {
	dir := t.TempDir()
	regular, fifo := filepath.Join(dir, "regular"), filepath.Join(dir, "fifo")
	if err := os.WriteFile(regular, []byte("00token"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFO here:", err)
	}
	path := filepath.Join(dir, "key")
	stop := make(chan struct{})
	swapped := make(chan struct{})
	go func() { // path points at the file, then at the FIFO, and so on
		defer close(swapped)
		tmp := filepath.Join(dir, "tmp")
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			target := regular
			if i%2 == 1 {
				target = fifo
			}
			_ = os.Symlink(target, tmp)
			_ = os.Rename(tmp, path)
		}
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3000 {
			_, _, _ = ReadKeyFile(path, "token")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		// Free the reader blocked in open, then fail.
		if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		t.Error("ReadKeyFile blocked opening a FIFO")
	}
	close(stop)
	<-swapped
}
