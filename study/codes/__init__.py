"""Code sets: ICD-10-CM, CPT, HCPCS Level II, ICD-10-PCS and modifiers (normalization and checks)."""
