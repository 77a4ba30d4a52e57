package jobfair

// The job search's tokeniser, for other capabilities that index bilingual text the same way
// (Chinese as character bigrams, Latin words by prefix), so one query finds the same things
// everywhere on both databases.

// AddTerms adds the index terms of text to terms, keeping the highest weight per term.
func AddTerms(terms map[string]int16, text string, weight int16) { addTerms(terms, text, weight) }

// QueryToken is one condition of a search: an exact term, or when Prefix the range [Term, Hi).
type QueryToken struct {
	Term   string
	Prefix bool
	Hi     string
}

// QueryTokens turns a search box into the tokens a document must all match.
func QueryTokens(q string) []QueryToken {
	ts := queryTokens(q)
	out := make([]QueryToken, len(ts))
	for i, t := range ts {
		out[i] = QueryToken{Term: t.term, Prefix: t.prefix, Hi: t.hi}
	}
	return out
}
