"""The campaigns app's models, one concern per module; Django finds them all here.

- pages.py: CampaignIndexPage, CampaignPage (the petition is its form) and CampaignFormField (extra questions)
- signature.py: Signature, one person's signature on one campaign
- counter.py: SignatureCounter (the public count, in a few rows per campaign), UnconfirmedDeleted and
  ErasedOnRequest (tallies of rows gone)
- milestone.py: Milestone, a goal a campaign reached
- privacy_page.py: PrivacyPage, the privacy notice every consent line and mail links to
- EmbedPartner, a partner site allowed to frame a petition, lives with the embedding rules (campaigns.embedding)
"""

from campaigns.embedding import EmbedPartner
from campaigns.models.counter import ErasedOnRequest, SignatureCounter, UnconfirmedDeleted
from campaigns.models.milestone import Milestone
from campaigns.models.pages import CampaignFormField, CampaignIndexPage, CampaignPage
from campaigns.models.privacy_page import PrivacyPage
from campaigns.models.signature import Signature

__all__ = [
    "CampaignFormField",
    "CampaignIndexPage",
    "CampaignPage",
    "EmbedPartner",
    "ErasedOnRequest",
    "Milestone",
    "PrivacyPage",
    "Signature",
    "SignatureCounter",
    "UnconfirmedDeleted",
]
