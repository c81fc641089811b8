"""The demo campaigns in English (US), in the order they are created.

A campaign can only point to one created before it (`next_action_page`, next-action blocks), so the list
runs from the campaign nothing depends on to the one that links onward.
"""

from home.demo.campaigns.face_surveillance import CAMPAIGN as FACE_SURVEILLANCE
from home.demo.campaigns.location_data import CAMPAIGN as LOCATION_DATA
from home.demo.campaigns.ring import CAMPAIGN as RING

CAMPAIGNS = [FACE_SURVEILLANCE, RING, LOCATION_DATA]

__all__ = ["CAMPAIGNS"]
