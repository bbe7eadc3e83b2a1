"""Weekly leaderboard for the puzzle league: totals, ranks, streaks and the text of the results page."""

import logging
import math
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

BONUS_PER_STREAK_DAY = 5
MAX_STREAK_BONUS = 50


@dataclass
class Player:
    """One league member and the points they earned this week."""

    name: str
    scores: list = field(default_factory=list)
    streak: int = 0

    @property
    def total(self):
        return sum(self.scores) + streak_bonus(self.streak)


def streak_bonus(days):
    """Five points a day of the streak, at most MAX_STREAK_BONUS."""
    return min(days * BONUS_PER_STREAK_DAY, MAX_STREAK_BONUS)


def rank_players(players: list[Player], limit: int | None = None) -> list[tuple[str, int]]:
    """(name, total) pairs, best total first; only the first `limit` when given."""
    ranked = sorted(players, key=lambda p: p.total, reverse=True)
    if limit is not None:
        ranked = ranked[:limit]
    return [(p.name, p.total) for p in ranked]


def average_total(players: list[Player]) -> float:
    """The mean total over all players."""
    totals = [p.total for p in players]
    return sum(totals) / len(totals)


def spread(players):
    """The population standard deviation of the players' totals."""
    totals = [p.total for p in players]
    mean = sum(totals) / len(totals)
    return math.sqrt(sum((t - mean) ** 2 for t in totals) / len(totals))


def record_round(player, points):
    """Add one round's points; a round without points ends the streak."""
    player.scores.append(points)
    if points > 0:
        player.streak += 1
        bonus = streak_bonus(player.streak)
        log.debug(f"bonus for {player.name}: {bonus}")
    else:
        player.streak = 0
        log.debug(f"{player.name}: streak reset")
    return player.total


def best_rounds(players, rounds):
    """Each round's best score, for the first `rounds` rounds."""
    best = []
    for i in range(rounds):
        round_scores = []
        for player in players:
            if i < len(player.scores):
                round_scores.append(player.scores[i])
        best.append(max(round_scores) if round_scores else 0)
    return best


def describe(player):
    """Describe a player in one line of the results page.

    The line mentions the player's streak only when it earns a bonus.
    """
    text = f"{player.name}: {player.total} points"
    if streak_bonus(player.streak) > 0:
        text += f" ({player.streak}-day streak)"
    return text


def results_page(players, title="Weekly results"):
    """The plain-text results page: a heading, then one numbered line per player."""
    ranked = rank_players(players)
    lines = ["{} ({} players)".format(title, len(ranked))]
    for position, (name, total) in enumerate(ranked, start=1):
        lines.append("%2d. %s - %d points" % (position, name, total))
    if ranked:
        lines.append("Average: {:.1f}".format(average_total(players)))
    return "\n".join(lines)


def promote(players, seats):
    """The names of the players who move up a division: the best `seats`, ties at the cut included."""
    if seats == 0:
        return []
    ranked = rank_players(players)
    if len(ranked) <= seats:
        return [name for name, _ in ranked]
    cut = ranked[seats - 1][1]
    return [name for name, total in ranked if total >= cut]
