package jobfair

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The search index holds, per job, the terms of its text with the weight of the most
// important field each appears in. Chinese has no spaces, so CJK text is indexed as character
// bigrams plus the last character of each run: a query of two or more CJK characters becomes
// its bigrams (all must match), and a one-character query is a prefix range over the terms,
// which finds the character wherever it stands. Latin text is indexed as lower-cased words and
// queried by prefix, so "engin" finds "engineer". PostgreSQL and SQLite compare the terms byte
// by byte, so the same query finds the same jobs on both.

// Field weights: a match in the title counts most.
const (
	weightTitle    = 8
	weightEmployer = 4
	weightTag      = 3
	weightCity     = 2
	weightBody     = 1
)

const (
	maxTermBytes   = 64
	maxQueryTokens = 16
)

// token is one condition of a query: an exact term, or a prefix range [lo, hi).
type token struct {
	term   string
	prefix bool
	hi     string
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// runs splits normalised text into CJK runs and Latin/digit words.
func runs(s string, f func(run string, cjk bool)) {
	s = strings.ToLower(norm.NFKC.String(s))
	start, cjk := -1, false
	flush := func(end int) {
		if start >= 0 {
			f(s[start:end], cjk)
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case isCJK(r):
			if start >= 0 && !cjk {
				flush(i)
			}
			if start < 0 {
				start, cjk = i, true
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start >= 0 && cjk {
				flush(i)
			}
			if start < 0 {
				start, cjk = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
}

// addTerms adds the index terms of text to terms, keeping the highest weight per term.
func addTerms(terms map[string]int16, text string, weight int16) {
	put := func(t string) {
		if len(t) > maxTermBytes {
			t = truncate(t, maxTermBytes)
		}
		if terms[t] < weight {
			terms[t] = weight
		}
	}
	runs(text, func(run string, cjk bool) {
		if !cjk {
			put(run)
			return
		}
		var prev rune = -1
		for _, r := range run {
			if prev >= 0 {
				put(string(prev) + string(r))
			}
			prev = r
		}
		put(string(prev))
	})
}

// queryTokens turns a search box into tokens, all of which a job must match.
func queryTokens(q string) []token {
	var out []token
	seen := map[string]bool{}
	add := func(t token) {
		if len(t.term) > maxTermBytes {
			t.term, t.prefix = truncate(t.term, maxTermBytes), true
		}
		key := t.term
		if t.prefix {
			key += "*"
		}
		if seen[key] || len(out) >= maxQueryTokens {
			return
		}
		seen[key] = true
		if t.prefix {
			t.hi = successor(t.term)
		}
		out = append(out, t)
	}
	runs(q, func(run string, cjk bool) {
		n := utf8.RuneCountInString(run)
		switch {
		case cjk && n == 1, !cjk && n >= 2:
			add(token{term: run, prefix: true})
		case !cjk:
			add(token{term: run})
		default:
			var prev rune = -1
			for _, r := range run {
				if prev >= 0 {
					add(token{term: string(prev) + string(r)})
				}
				prev = r
			}
		}
	})
	return out
}

// successor is the smallest string greater than every string that starts with p.
func successor(p string) string {
	r, size := utf8.DecodeLastRuneInString(p)
	next := r + 1
	if next >= 0xD800 && next < 0xE000 {
		next = 0xE000
	}
	if next > unicode.MaxRune {
		return p + string(rune(unicode.MaxRune))
	}
	return p[:len(p)-size] + string(next)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
