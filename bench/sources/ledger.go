// Package ledger keeps the double-entry postings of the club's shared accounts.
package ledger

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// ErrInvalid is wrapped by every error about a malformed entry.
var ErrInvalid = errors.New("invalid entry")

// Entry is one posting: an amount in cents moved into (positive) or out of an account.
type Entry struct {
	Account string
	Cents   int64
	Memo    string
}

// AccountTotal is the sum of an account's postings.
type AccountTotal struct {
	Account string
	Cents   int64
}

// Ledger holds postings in the order they were made.
type Ledger struct {
	entries []Entry
}

// Post adds an entry to the ledger after checking that the entry names an
// account and moves a non-zero amount.
func (l *Ledger) Post(entry Entry) error {
	if strings.TrimSpace(entry.Account) == "" {
		return fmt.Errorf("%w: entry has no account", ErrInvalid)
	}
	if entry.Cents == 0 {
		return fmt.Errorf("%w: entry for %s moves nothing", ErrInvalid, entry.Account)
	}
	l.entries = append(l.entries, entry)
	return nil
}

func (l *Ledger) Balance(account string) int64 {
	var sum int64
	for _, e := range l.entries {
		if e.Account == account {
			sum += e.Cents
		}
	}
	return sum
}

func (l *Ledger) TopAccounts(n int) []AccountTotal {
	sums := map[string]int64{}
	for _, e := range l.entries {
		sums[e.Account] += e.Cents
	}
	totals := make([]AccountTotal, 0, len(sums))
	for account, cents := range sums {
		totals = append(totals, AccountTotal{Account: account, Cents: cents})
	}
	sort.Slice(totals, func(i, j int) bool {
		return totals[i].Cents > totals[j].Cents
	})
	if n < len(totals) {
		totals = totals[:n]
	}
	return totals
}

func ParseEntry(line string) (Entry, error) {
	fields := strings.Split(line, ";")
	if len(fields) != 3 {
		return Entry{}, fmt.Errorf("%w: want account;cents;memo, got %q", ErrInvalid, line)
	}
	cents, err := strconv.ParseInt(strings.TrimSpace(fields[1]), 10, 64)
	if err != nil {
		return Entry{}, fmt.Errorf("%w: bad amount %q: %v", ErrInvalid, fields[1], err)
	}
	return Entry{Account: strings.TrimSpace(fields[0]), Cents: cents, Memo: strings.TrimSpace(fields[2])}, nil
}

// FormatCents renders cents as a signed decimal amount with two places.
func FormatCents(cents int64) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		cents = -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}
