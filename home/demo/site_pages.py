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
