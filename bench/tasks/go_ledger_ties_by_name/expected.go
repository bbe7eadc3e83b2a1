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
		if totals[i].Cents != totals[j].Cents {
			return totals[i].Cents > totals[j].Cents
		}
		return totals[i].Account < totals[j].Account
	})
	if n < len(totals) {
		totals = totals[:n]
	}
	return totals
}
