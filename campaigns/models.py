"""Django finds the app's models here; they live in modules named for what they hold."""

from campaigns.pages import CampaignFormField, CampaignIndexPage, CampaignPage
from campaigns.signatures import Signature, SignatureCounter

__all__ = ["CampaignFormField", "CampaignIndexPage", "CampaignPage", "Signature", "SignatureCounter"]
