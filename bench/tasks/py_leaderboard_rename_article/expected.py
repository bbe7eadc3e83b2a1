def describe(entrant):
    """Describe an entrant in one line of the results page.

    The line mentions the entrant's streak only when it earns a bonus.
    """
    text = f"{entrant.name}: {entrant.total} points"
    if streak_bonus(entrant.streak) > 0:
        text += f" ({entrant.streak}-day streak)"
    return text
