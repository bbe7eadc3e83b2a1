def results_page(players, title="Weekly results"):
    """The plain-text results page: a heading, then one numbered line per player."""
    ranked = rank_players(players)
    lines = [f"{title} ({len(ranked)} players)"]
    for position, (name, total) in enumerate(ranked, start=1):
        lines.append(f"{position:2d}. {name} - {total:d} points")
    if ranked:
        lines.append(f"Average: {average_total(players):.1f}")
    return "\n".join(lines)
