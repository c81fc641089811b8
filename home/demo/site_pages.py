"""The English (US) home page and campaign list of the demo organisation, Stand Up For Privacy."""

ORGANISATION = "Stand Up For Privacy"

HOME = {
    "key": "home",
    "slug": "home",
    "fields": {
        "title": ORGANISATION,
        "hero_heading": "Privacy is a right, not a product",
        "intro": (
            "<p>Stand Up For Privacy is a community of people who believe technology should serve us, "
            "not watch us. Together we ask companies and governments to end surveillance that harms people, "
            "and we win when enough of us speak at once.</p>"
            "<p>Pick a campaign, add your name and pass it on. It takes a minute.</p>"
        ),
    },
    # Shown large on the home page (the other open campaigns are listed below it).
    "featured_campaign": "amazon-ring",
}

CAMPAIGN_INDEX = {
    "key": "campaigns",
    "slug": "campaigns",
    "fields": {
        "title": "Campaigns",
        "intro": (
            "<p>Every campaign is a petition you can sign in a minute. Open campaigns are still collecting "
            "signatures; closed ones show what we have done together.</p>"
        ),
    },
}

# The privacy notice every consent line, form and mail links to (campaigns.models.privacy_page.PrivacyPage). How long
# details are kept is not written here: the page reads it from the campaigns.
PRIVACY = {
    "key": "privacy",
    "slug": "privacy",
    "fields": {
        "title": "Privacy notice",
        "controller_name": ORGANISATION,
        "controller_address": "1 Example Street\nLondon EC1A 1AA\nUnited Kingdom",
        "contact_email": "privacy@standupforprivacy.example",
        "intro": (
            "<p>This notice explains what happens to the details you give when you sign one of our petitions.</p>"
        ),
        "purposes": (
            "<p>When you sign, we ask for your name, your email address and your country, and sometimes a postal "
            "code or a comment. We use them to count your signature once, to check that you are a real person "
            "and to hand the petition to its target.</p>"
            "<p>If you tick a box, we also email you updates about the petition or news about our campaigns. "
            "You can withdraw this consent at any time with the link at the bottom of every email.</p>"
            "<p>We never sell your details. The target receives only the names and countries of those who "
            "agreed, never an email address.</p>"
        ),
        "rights": (
            "<p>You have the right to see the details we hold about you, to have them corrected or deleted, "
            "and to withdraw your consent. You can also complain to your data protection authority.</p>"
        ),
    },
}
