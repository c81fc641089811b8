"""Tell Amazon Ring: stop sharing information with police. The US petition, with its six sources.

The UK page (a translation, see translations/en-gb/amazon-ring.po) tells the London story instead.
"""

from home.demo.streams import (
    heading,
    next_action,
    paragraph,
    quote,
    reference,
    share_links,
    sign_cta,
)

KEY = "amazon-ring"

BODY = [
    paragraph(
        "<p>Amazon has announced it won't sell its Rekognition facial recognition technology to law "
        "enforcement for a year, to give time for legislation to prevent its misuse. But Amazon's Ring has not "
        "made the same commitment, in spite of the potential for footage from Ring cameras to be misused in ways "
        "that harm Black people, in the U.S. and, as Privacy International has shown, far beyond it.[1]</p>"
    ),
    paragraph(
        "<p>IBM, Microsoft and even Amazon paused their facial recognition programs because this technology is "
        "often biased along the lines of age, gender, race, and ethnicity. Even more concerning, evidence "
        "suggests that even when facial recognition works as expected, it's often used to surveil people of "
        "color. Bottom line: facial recognition and law enforcement just don't mix.</p>"
    ),
    paragraph(
        "<p>The story doesn't end there, though. Amazon's Ring doorbell cameras pose similar risks, because Ring "
        "shares its footage with law enforcement through its Neighbors Law Enforcement Portal, which has been "
        'called the "perfect storm of privacy threats."[2]</p>'
        "<p>If Amazon is serious about its new police policies, it must extend its moratorium to include Ring.</p>"
    ),
    sign_cta(
        "Sign the petition",
        heading="Ask Amazon Ring to press pause",
        text="Sign the petition to ask Amazon Ring to immediately press pause on its partnerships with law "
        "enforcement.",
    ),
    heading("Amazon's own words"),
    quote(
        "The inequitable and brutal treatment of Black people in our country must stop. Together we stand in "
        "solidarity with the Black community — our employees, customers, and partners — in the fight against "
        "systemic racism and injustice.",
        "Amazon, May 31, 2020",
    ),
    paragraph(
        "<p>By immediately halting Ring's police collaborations, Amazon will be honoring its own statement that "
        'it "stand[s] in solidarity with the Black community — [its] employees, customers, and partners — in '
        'the fight against systemic racism and injustice."[3]</p>'
        "<p>The protests surrounding the police killings of George Floyd and Breonna Taylor have highlighted the "
        "disproportionate levels of police surveillance used on Black people. Right now, Amazon is collaborating "
        "with over 1,300 police departments in the United States alone.[4] Ring cameras have already been "
        "documented to facilitate racial profiling,[5] and activists have been organizing to protect communities "
        "of color from Amazon's law enforcement collaboration.[6]</p>"
    ),
    heading("What we are asking for"),
    paragraph(
        "<p>We are calling on Amazon to make good on its pledge to fight systemic racism by:</p>"
        "<ul>"
        "<li>Issuing a moratorium on Ring police partnerships, including with federal authorities.</li>"
        "<li>Not deploying facial recognition in Ring.</li>"
        "<li>Ensuring that these actions apply globally, not just in the United States.</li>"
        "</ul>"
        "<p>Amazon has made the right move with its Rekognition moratorium, and now we're hopeful it continues "
        "to do the right thing.</p>"
    ),
    sign_cta(
        "Sign the letter",
        heading="Will you join us?",
        text="Ask Amazon Ring to immediately press pause on its partnerships with law enforcement.",
    ),
    share_links("Spread the word"),
    next_action(
        "face-surveillance",
        "Ban face surveillance in public spaces",
        "Take the next action",
        "The same technology is being pointed at our streets and squares. Ask your city to ban it.",
    ),
]

REFERENCES = [
    reference(
        "One Ring to watch them all",
        "Privacy International",
        "https://privacyinternational.org/long-read/3971/one-ring-watch-them-all",
        date="2020-06-25",
    ),
    reference(
        "Amazon's Ring Is a Perfect Storm of Privacy Threats",
        "EFF blog",
        "https://www.eff.org/deeplinks/2019/08/amazons-ring-perfect-storm-privacy-threats",
        author="Matthew Guariglia",
        date="2019-08-08",
    ),
    reference(
        "The inequitable and brutal treatment of Black people…",
        "Twitter",
        "https://twitter.com/amazon/status/1267140211861073927",
        author="Amazon",
        date="2020-05-31",
    ),
    reference(
        "Hundreds of Police Departments with Deadly Histories Partner with Amazon's Ring Surveillance Cameras",
        "EFF press release",
        "https://www.eff.org/press/releases/hundreds-police-departments-deadly-histories-partner-amazons-ring-surveillance-cameras",
        date="2020-07-02",
    ),
    reference(
        "Nextdoor: When a neighborhood website turns unneighborly",
        "The Mercury News",
        "https://www.mercurynews.com/2015/09/15/nextdoor-when-a-neighborhood-website-turns-unneighborly/",
        author="Martha Ross",
        date="2015-09-15",
    ),
    reference(
        "Amazon says 'Black Lives Matter'. But the company has deep ties to policing",
        "The Guardian",
        "https://www.theguardian.com/technology/2020/jun/09/amazon-black-lives-matter-police-ring-jeff-bezos",
        author="Kari Paul",
        date="2020-06-09",
    ),
]

CAMPAIGN = {
    "key": KEY,
    "slug": KEY,
    "artwork": "rings",
    "image_title": "Ring campaign: concentric rings",
    "image_description": "Abstract artwork: pale concentric rings spreading over a deep blue and violet background.",
    "body": BODY,
    "references": REFERENCES,
    "next_action_page": "face-surveillance",
    "fields": {
        "title": "Tell Amazon Ring: stop sharing information with police",
        "summary": (
            "Amazon paused police use of its facial recognition software, but its Ring doorbell cameras still "
            "share footage with over 1,300 police departments. Ask Amazon Ring to stop sharing information "
            "with police."
        ),
        "target": "Amazon Ring",
        "cta_heading": "Sign the letter to Amazon Ring",
        "ask": (
            "<p>Dear Amazon,</p>"
            "<p>You paused police use of Rekognition because facial recognition and law enforcement don't mix. "
            "Ring's police partnerships carry the same risks for Black people and communities of color. "
            "We ask you to:</p>"
            "<ul>"
            "<li>issue a moratorium on Ring police partnerships, including with federal authorities;</li>"
            "<li>never deploy facial recognition in Ring;</li>"
            "<li>apply these commitments globally, not just in the United States.</li>"
            "</ul>"
            "<p>Stand by your own words: stand in solidarity with the Black community and stop sharing "
            "information with police.</p>"
        ),
        # The five latest signers' first names and countries beside the story (the demo's signers are made up).
        "show_latest_signers": True,
        "signature_goal": 50000,
        # The demo shows the whole journey: `make run` prints the confirmation mail with its link.
        "confirmation_required": True,
        "retention_days": 90,
        "consent_text": (
            "Stand Up For Privacy will email you about this campaign. We hand the letter to Amazon with signers' "
            "names and countries, never their email addresses, and delete your details when the campaign ends. "
            "Our privacy notice explains your rights."
        ),
        "thank_you_heading": "Thank you for signing!",
        "thank_you_text": (
            "<p>Your name is on the letter. Amazon listens when many people speak at once: share the petition "
            "so your friends and family can add their names too.</p>"
        ),
        "next_action_text": "Now ask your city to ban face surveillance",
        # After sharing, the demo asks for a donation (the standard wording, in every language).
        "donate_url": "https://example.org/donate",
        "share_text": (
            "Amazon paused police use of its facial recognition. Now Ring must stop sharing footage with police. "
            "Sign the letter to Amazon Ring:"
        ),
    },
}
