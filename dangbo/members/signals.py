"""Signals of the members app.

`projections_changed(member_ids=[...])` is sent whenever the members services rewrite members'
projections (spans, current state) or the profile facts copied into them, inside the writer's
transaction, so that other projections of the same facts (reports.facts) stay in step.
`created=True` says the members were all inserted in that transaction (a bulk import): they have
no derived rows to replace yet.
"""

from django.dispatch import Signal

projections_changed = Signal()

# Transfers (members.transfers), sent inside the writer's transaction with `transfer=` the letter
# (a members.models.Transfer) and `actor=`: the notifications app tells the other side.
transfer_issued = Signal()
transfer_received = Signal()
transfer_returned = Signal()
