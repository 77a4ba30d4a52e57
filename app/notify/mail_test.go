package notify

import (
	"bufio"
	"context"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
)

// smtpServer accepts one message and hands its envelope and data to got.
func smtpServer(t *testing.T) (addr string, got chan [3]string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan [3]string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r, w := bufio.NewReader(conn), bufio.NewWriter(conn)
		say := func(s string) { w.WriteString(s + "\r\n"); w.Flush() }
		say("220 test ready")
		var from, to string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				say("250 test")
			case strings.HasPrefix(cmd, "MAIL FROM:"):
				from = strings.TrimSpace(line[10:])
				say("250 ok")
			case strings.HasPrefix(cmd, "RCPT TO:"):
				to = strings.TrimSpace(line[8:])
				say("250 ok")
			case cmd == "DATA":
				say("354 go on")
				var data strings.Builder
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == ".\r\n" {
						break
					}
					data.WriteString(l)
				}
				say("250 queued")
				got <- [3]string{from, to, data.String()}
			case cmd == "QUIT":
				say("221 bye")
				return
			default:
				say("502 unknown")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTPSend(t *testing.T) {
	addr, got := smtpServer(t)
	s := &SMTP{Addr: addr, From: "noreply@zonefair.test"}
	m := Mail{To: "grad@example.test", Subject: "您的申请：邀请面试", Text: "第一行\n第二行"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	env := <-got
	if env[0] != "<noreply@zonefair.test>" || env[1] != "<grad@example.test>" {
		t.Fatalf("envelope %q %q", env[0], env[1])
	}
	msg, err := mail.ReadMessage(strings.NewReader(env[2]))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Fatalf("subject %q (%v)", subject, err)
	}
	body := new(strings.Builder)
	_, _ = bufio.NewReader(msg.Body).WriteTo(body)
	if body.String() != "第一行\r\n第二行\r\n" {
		t.Fatalf("body %q", body.String())
	}
}

func TestSMTPRefusesHeaderInjection(t *testing.T) {
	s := &SMTP{Addr: "127.0.0.1:1", From: "noreply@zonefair.test"}
	if err := s.Send(context.Background(), Mail{To: "a@example.test\r\nBcc: victim@example.test", Subject: "x"}); err == nil {
		t.Fatal("an address with a line break was accepted")
	}
}
