"""What the portal's and the coach's message pages share: the forms and the views behind
both (the blueprints, portal and coach, each route to them with their own access rule)."""
