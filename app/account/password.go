package account

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// HashParams follow OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane). Tests lower
// them to keep suites that log in hundreds of times fast; production never changes them.
var HashParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// hashing bounds concurrent hashes so a burst of logins cannot exhaust memory.
var hashing = make(chan struct{}, 2*runtime.NumCPU())

// HashPassword returns the argon2id hash of pw in PHC string form.
func HashPassword(ctx context.Context, pw string) (string, error) {
	if err := acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-hashing }()
	return argon2id.CreateHash(pw, HashParams)
}

// CheckPassword reports whether pw matches hash.
func CheckPassword(ctx context.Context, pw, hash string) (bool, error) {
	if err := acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-hashing }()
	return argon2id.ComparePasswordAndHash(pw, hash)
}

func acquire(ctx context.Context) error {
	select {
	case hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dummyHash is compared against when an email is unknown, so a login takes as long whether or
// not the account exists. It is made at the first such login rather than when the package loads,
// where it cost every start of the binary (every subcommand included) about half a second.
var dummyHash = sync.OnceValue(func() string {
	h, _ := argon2id.CreateHash("zonefair-no-such-account", HashParams)
	return h
})

var commonPasswords = map[string]bool{
	"password123": true, "1234567890": true, "qwertyuiop": true, "12345678910": true,
	"password1234": true, "iloveyou123": true, "abc1234567": true, "1q2w3e4r5t": true,
	"a123456789": true, "qwerty123456": true, "zonefair123": true, "0123456789": true,
}

// weakPassword reports whether pw is too simple to accept (length is validated separately).
func weakPassword(pw string) bool {
	if commonPasswords[strings.ToLower(pw)] {
		return true
	}
	first, _ := utf8.DecodeRuneInString(pw)
	return strings.Trim(pw, string(first)) == ""
}
