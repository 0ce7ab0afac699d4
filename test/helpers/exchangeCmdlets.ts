/**
 * The parameters of the Exchange Online cmdlets the generator writes, as Microsoft's cmdlet
 * reference lists them. Checked by hand against the reference's source, the MicrosoftDocs
 * repository office-docs-powershell (which learn.microsoft.com renders), file
 * exchange/exchange-ps/ExchangePowerShell/<Cmdlet>.md, at the commits below; the pages are
 * https://learn.microsoft.com/powershell/module/exchangepowershell/<cmdlet>. Only what the
 * generator may use is listed — a name the script writes that is not here fails the test.
 */
export interface CmdletReference {
  source: string;
  parameters: readonly string[];
}

const MD = "MicrosoftDocs/office-docs-powershell exchange/exchange-ps/ExchangePowerShell";

/** PowerShell's common parameters, which every cmdlet takes ("This cmdlet supports the common parameters"). */
export const COMMON_PARAMETERS = ["ErrorAction", "WarningAction", "Verbose", "Debug"] as const;

export const CMDLETS: Record<string, CmdletReference> = {
  "New-OutboundConnector": {
    source: `${MD}/New-OutboundConnector.md @ de75ff86624f050ad3e86d502ff1b7204f1dba23`,
    parameters: [
      "Name",
      "ConnectorType",
      "UseMXRecord",
      "RecipientDomains",
      "TlsSettings",
      "TlsDomain",
      "Comment",
      "Enabled",
      "MtaStsMode",
      "SmtpDaneMode",
      "IsTransportRuleScoped",
      "RouteAllMessagesViaOnPremises",
      "Confirm",
      "WhatIf",
    ],
  },
  "Set-OutboundConnector": {
    // MtaStsMode and SmtpDaneMode: in the docs author's copy chrisda/office-docs-powershell at
    // cce86cd3495d21247e1a04f703192b39460c8e03 (Applicable: Exchange Online); older stored copies
    // of the page (60a472a9…, 76e03a5d…) predate the two parameters.
    source: `${MD}/Set-OutboundConnector.md @ 60a472a92f1413f8fe4177a596f67c75a7b68672, chrisda fork @ cce86cd3495d21247e1a04f703192b39460c8e03`,
    parameters: [
      "Identity",
      "Name",
      "ConnectorType",
      "UseMXRecord",
      "RecipientDomains",
      "TlsSettings",
      "TlsDomain",
      "Comment",
      "Enabled",
      "MtaStsMode",
      "SmtpDaneMode",
      "IsTransportRuleScoped",
      "RouteAllMessagesViaOnPremises",
      "Confirm",
      "WhatIf",
    ],
  },
  "Get-OutboundConnector": {
    source: `${MD}/Get-OutboundConnector.md @ f5329a988095f1678dd56e7aaa13e8d21f416af5`,
    parameters: ["Identity", "IncludeTestModeConnectors", "IsTransportRuleScoped", "ResultSize"],
  },
  "Remove-OutboundConnector": {
    source: `${MD}/Remove-OutboundConnector.md @ 20aff3584b9b276ee6d7130f86d38d1479b5918e`,
    parameters: ["Identity", "Confirm", "WhatIf"],
  },
  "New-TransportRule": {
    source: `${MD}/New-TransportRule.md @ 214761161f8470a0152dc7fc239d332d6d655674`,
    parameters: [
      "Name",
      "SentToScope",
      "AttachmentIsPasswordProtected",
      "RejectMessageReasonText",
      "RejectMessageEnhancedStatusCode",
      "Mode",
      "Comments",
      "Enabled",
      "Priority",
      "SetAuditSeverity",
      "StopRuleProcessing",
      "Confirm",
      "WhatIf",
    ],
  },
  "Set-TransportRule": {
    // No Enabled here: Enable-TransportRule and Disable-TransportRule do that.
    source: `${MD}/Set-TransportRule.md @ 35acbfc17c219fb08f952b603f1ba591d8e4786e`,
    parameters: [
      "Identity",
      "Name",
      "SentToScope",
      "AttachmentIsPasswordProtected",
      "RejectMessageReasonText",
      "RejectMessageEnhancedStatusCode",
      "Mode",
      "Comments",
      "Priority",
      "SetAuditSeverity",
      "StopRuleProcessing",
      "Confirm",
      "WhatIf",
    ],
  },
  "Get-TransportRule": {
    source: `${MD}/Get-TransportRule.md @ 1e5e9caf94705436df1894ee90bd389396e093da`,
    parameters: ["Identity", "State", "DlpPolicy", "ExcludeConditionActionDetails", "Filter", "ResultSize"],
  },
  "Remove-TransportRule": {
    source: `${MD}/Remove-TransportRule.md @ 075d06f2f95ce690b5f410eb4e2486c24c00adf7`,
    parameters: ["Identity", "Confirm", "WhatIf"],
  },
};

/** Values the reference gives for the enumerated parameters the generator sets. */
export const VALUES: Record<string, readonly string[]> = {
  // New-/Set-OutboundConnector: "Valid values are: EncryptionOnly, CertificateValidation, DomainValidation".
  TlsSettings: ["EncryptionOnly", "CertificateValidation", "DomainValidation"],
  ConnectorType: ["Partner", "OnPremises"],
  SmtpDaneMode: ["Opportunistic", "Mandatory", "None"],
  MtaStsMode: ["Opportunistic", "None"],
  // New-/Set-TransportRule: Mode "Audit, AuditAndNotify, Enforce"; SentToScope in Exchange Online.
  Mode: ["Audit", "AuditAndNotify", "Enforce"],
  SentToScope: ["InOrganization", "NotInOrganization"],
};
