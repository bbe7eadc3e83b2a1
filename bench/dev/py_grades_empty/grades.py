from dataclasses import dataclass


@dataclass
class Student:
    name: str
    scores: list[int]


def average(scores):
    return sum(scores) / len(scores)


def best_student(students):
    best = None
    for student in students:
        if best is None or average(student.scores) > average(best.scores):
            best = student
    return best


def report(students):
    lines = []
    for student in students:
        lines.append(f"{student.name}: {average(student.scores):.1f}")
    return "\n".join(lines)
