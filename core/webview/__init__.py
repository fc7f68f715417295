"""The web view: one learner's diagnostic or mock as a page, a second window on the session the chat shows.

`auth` says who opened the page (Telegram's signed initData, or a signed link that expires), `links` puts the
page's button under a card, `view` is the page's model, and `service` turns the page's actions into the same
QuizService calls the chat makes, so both windows always show one session.
"""
