// Package idleconn wraps the client side of connections kept alive between HTTP requests, so
// that a request is never written into one the server closed while it sat idle (idle timeout,
// restart, crash). net/http's transport learns of such a close by reading idle connections in
// the background; fasthttp's clients do not, and would send the request into the closed
// connection, where even a POST that never reached the server looks failed.
package idleconn

import (
	"errors"
	"net"
	"syscall"
)

// ErrClosed is returned by the first write of a request on a connection the peer has closed:
// nothing was written, so the request may be sent again on another connection.
var ErrClosed = errors.New("idleconn: closed by the peer while idle")

// Wrap returns c watching, before the first write after an answer was read, for the peer's
// close. Connections other than TCP are returned as they are.
func Wrap(c net.Conn) (net.Conn, error) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c, nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return &conn{Conn: c, raw: raw}, nil
}

type conn struct {
	net.Conn
	raw  syscall.RawConn
	read bool // an answer was read since the last write
}

func (c *conn) Read(b []byte) (int, error) {
	c.read = true
	return c.Conn.Read(b)
}

func (c *conn) Write(b []byte) (int, error) {
	if c.read {
		c.read = false
		if c.closedByPeer() {
			return 0, ErrClosed
		}
	}
	return c.Conn.Write(b)
}

// closedByPeer peeks, without waiting, for the end of stream or a reset.
func (c *conn) closedByPeer() bool {
	var (
		buf [1]byte
		n   int
		err error
	)
	if c.raw.Read(func(fd uintptr) bool {
		n, _, err = syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		return true
	}) != nil {
		return false
	}
	return (err == nil && n == 0) || (err != nil && err != syscall.EAGAIN)
}
