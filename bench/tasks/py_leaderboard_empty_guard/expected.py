def average_total(players):
    """The mean total over all players."""
    if not players:
        return 0.0
    totals = [p.total for p in players]
    return sum(totals) / len(totals)
