"""合规检查: the rules of the policy texts (registry), acknowledgements, where a finding leads."""
