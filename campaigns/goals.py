"""Goals that move, and the milestones a campaign reached.

A campaign's goal is the editor's `signature_goal`. With `goal_steps_up` ticked, the goal shown steps up to
the next round number once the count reaches STEP_UP_AT of it, and again as often as needed:

    the round numbers are 1, 2.5 and 5 times a power of ten: 100 → 250 → 500 → 1,000 → 2,500 → 5,000 → 10,000 …

so a goal of 1,000 shows as 1,000 until 900 have signed, then as 2,500 until 2,250 have signed, then 5,000.
The shown goal is worked out from the count each time (`current_goal`): nothing is stored, so it can never be
out of step with the count, and every language steps up from its own goal.

A milestone is a goal reached: the editor's goal and each stepped goal, once the count is at least that goal.
Each is recorded once, with the time it was first seen reached (`record_milestones`, after the commit of a
signature that counts: campaigns.events `signed` and `confirmed`). A unique constraint on (campaign, goal)
makes concurrent signers who cross the same goal write one row.

Reading the count costs a query, as much as storing the signature itself, so a signature that counts at once
looks at its campaign's goals at most once every CHECK_INTERVAL in each process: in a spike that is one query
a second per process instead of one per signature. A goal crossed between two looks is recorded at the next
one, and whenever the campaign's summary is opened (which reads the count anyway).
"""

from decimal import Decimal

# The goal steps up once the count reaches this share of it.
STEP_UP_AT = Decimal("0.9")
# Round numbers: these times a power of ten.
ROUND_FACTORS = (Decimal(1), Decimal("2.5"), Decimal(5))


def next_round_number(goal):
    """The smallest round number (1, 2.5 or 5 × 10ⁿ, a whole number) strictly above `goal`."""
    magnitude = Decimal(1)
    while True:
        for factor in ROUND_FACTORS:
            value = factor * magnitude
            if value > goal and value == value.to_integral_value():
                return int(value)
        magnitude *= 10


def current_goal(goal, count, steps_up):
    """The goal to show beside `count`: `goal`, or with `steps_up` the round number it has stepped up to."""
    goal = max(int(goal or 0), 1)
    if steps_up:
        while count >= goal * STEP_UP_AT:
            goal = next_round_number(goal)
    return goal


def goals_reached(goal, count, steps_up):
    """Every goal `count` has reached: the editor's goal, then (with `steps_up`) each round number after it."""
    goal = max(int(goal or 0), 1)
    reached = []
    while count >= goal:
        reached.append(goal)
        if not steps_up:
            break
        goal = next_round_number(goal)
    return reached
