"""Block Kit builders, pure functions of service data: replies and notifications (`replies`), the
digest (`digest`), App Home (`home`), modals (`modals`) and the per-message limits the SDK lacks (`limits`)."""
