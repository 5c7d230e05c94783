"""The client portal: what a person sees of the cases they belong to. Declared here; built by its
own issue.
"""
