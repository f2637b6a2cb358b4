"""SATUSEHAT (Kemenkes, FHIR R4): the ids the platform knows this office by, and each recorded
visit as the transaction Bundle it is sent as."""
