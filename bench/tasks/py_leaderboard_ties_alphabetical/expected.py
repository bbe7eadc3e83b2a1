def rank_players(players, limit=None):
    """(name, total) pairs, best total first; only the first `limit` when given."""
    ranked = sorted(players, key=lambda p: (-p.total, p.name))
    if limit is not None:
        ranked = ranked[:limit]
    return [(p.name, p.total) for p in ranked]
