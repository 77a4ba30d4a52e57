package idleconn

import (
	"errors"
	"io"
	"net"
	"testing"
)

// A connection the peer closed after answering refuses the next write with ErrClosed, writing
// nothing; one the peer keeps open goes on writing.
func TestWriteAfterThePeerClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	closeAfter := make(chan bool, 2)
	go func() {
		for {
			s, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4)
			if _, err := io.ReadFull(s, buf); err == nil {
				_, _ = s.Write([]byte("pong"))
			}
			if <-closeAfter {
				_ = s.Close()
				continue
			}
			_, _ = io.ReadFull(s, buf) // the second request arrives
			_ = s.Close()
		}
	}()
	for _, closing := range []bool{true, false} {
		closeAfter <- closing
		raw, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c, err := Wrap(raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte("ping")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatal(err)
		}
		if closing {
			// The close arrives after the answer; wait for it as an idle pool would.
			if n, err := c.(*conn).Conn.Read(buf[:1]); n != 0 || err != io.EOF {
				t.Fatalf("read after the close = %d, %v", n, err)
			}
		}
		_, err = c.Write([]byte("ping"))
		if closing && !errors.Is(err, ErrClosed) {
			t.Errorf("write on a connection the peer closed = %v, want ErrClosed", err)
		}
		if !closing && err != nil {
			t.Errorf("write on an open connection = %v", err)
		}
		_ = c.Close()
	}
}
