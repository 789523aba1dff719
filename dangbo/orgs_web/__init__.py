"""The organization pages and API routes (the web layer of `dangbo.orgs`).

They sit above the access policy and the members app (they show who may see what, and the members
of an organization), so they live here, beside the feature apps, while `dangbo.orgs` keeps the
domain: models, services, selectors and forms. Their tests are in `dangbo/orgs/tests/`.
"""
