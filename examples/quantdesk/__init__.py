"""quantdesk: the example project finfix's README walks through."""
