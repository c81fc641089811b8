"""Django finds the app's models here; they live in modules named for what they hold."""

from campaigns.confirmation import UnconfirmedDeleted
from campaigns.embedding import EmbedPartner
from campaigns.goals import Milestone
from campaigns.pages import CampaignFormField, CampaignIndexPage, CampaignPage
from campaigns.signatures import Signature, SignatureCounter

__all__ = [
    "CampaignFormField",
    "CampaignIndexPage",
    "CampaignPage",
    "EmbedPartner",
    "Milestone",
    "Signature",
    "SignatureCounter",
    "UnconfirmedDeleted",
]
