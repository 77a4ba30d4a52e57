package signing

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"
)

// One-time code rules: six digits, valid for CodeTTL, one new code per CodeResend, and
// MaxCodeAttempts tries per code (right or wrong) before it locks.
const (
	CodeTTL         = 10 * time.Minute
	CodeResend      = 30 * time.Second
	MaxCodeAttempts = 5
)

func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// codeHash keys the hash with the server secret: six digits are too few to keep from a
// brute force of a plain hash read out of the database.
func codeHash(secret []byte, recipientID int64, code string) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "signing-code:%d:%s", recipientID, code)
	return hex.EncodeToString(m.Sum(nil))
}

func codeMatches(secret []byte, recipientID int64, code, hash string) bool {
	return hmac.Equal([]byte(codeHash(secret, recipientID, code)), []byte(hash))
}
