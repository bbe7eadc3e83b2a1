def best_rounds(players, rounds):
    """Each round's best score, for the first `rounds` rounds."""
    round_scores = [[p.scores[i] for p in players if i < len(p.scores)] for i in range(rounds)]
    return [max(scores) if scores else 0 for scores in round_scores]
