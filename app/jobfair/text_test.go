package jobfair

import (
	"slices"
	"testing"
)

func TestQueryTokens(t *testing.T) {
	cases := []struct {
		q    string
		want []token
	}{
		{"会计", []token{{term: "会计"}}},
		{"机械工程师", []token{{term: "机械"}, {term: "械工"}, {term: "工程"}, {term: "程师"}}},
		{"Java 工程师", []token{{term: "java", prefix: true, hi: "javb"}, {term: "工程"}, {term: "程师"}}},
		{"ＪＡＶＡ", []token{{term: "java", prefix: true, hi: "javb"}}},
		{"计", []token{{term: "计", prefix: true, hi: "订"}}},
		{"C", []token{{term: "c"}}},
		{"  !!  ", nil},
	}
	for _, c := range cases {
		if got := queryTokens(c.q); !slices.Equal(got, c.want) {
			t.Errorf("queryTokens(%q) = %+v, want %+v", c.q, got, c.want)
		}
	}
}

func TestSearchTokensJoinCompoundsAndStem(t *testing.T) {
	got := searchTokens("E-commerce engineers 电商-运营 R&D")
	want := []token{
		{term: "ecommerce", prefix: true, hi: "ecommercf", stem: "~ecommerc"},
		{term: "engineers", prefix: true, hi: "engineert", stem: "~engin"},
		{term: "电商"}, {term: "运营"},
		{term: "r"}, {term: "d"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("searchTokens = %+v, want %+v", got, want)
	}
	terms := map[string]int16{}
	addTerms(terms, "E-commerce Engineers, full-time", weightTitle)
	for _, term := range []string{"e", "commerce", "ecommerce", "~ecommerc", "engineers", "~engin", "fulltime", "full", "time"} {
		if terms[term] != weightTitle {
			t.Errorf("term %q not indexed: %v", term, terms)
		}
	}
}

// TestEveryCharacterIsFindable proves a one-character query's prefix range covers every
// character of an indexed text, wherever it stands in its run.
func TestEveryCharacterIsFindable(t *testing.T) {
	terms := map[string]int16{}
	addTerms(terms, "高级财务会计（Senior Accountant）", weightTitle)
	for _, ch := range []string{"高", "级", "财", "务", "会", "计"} {
		tok := queryTokens(ch)[0]
		found := false
		for term := range terms {
			if term >= tok.term && term < tok.hi {
				found = true
			}
		}
		if !found {
			t.Errorf("%s not findable in %v", ch, terms)
		}
	}
	for _, w := range []string{"senior", "accountant"} {
		if terms[w] != weightTitle {
			t.Errorf("word %s not indexed: %v", w, terms)
		}
	}
}
