using System;

namespace BqBackup
{
    /// <summary>
    /// Mirrors the names of System.Management.Automation.ErrorCategory so the cmdlet layer can map
    /// by name while the core stays free of PowerShell types.
    /// </summary>
    public enum BqErrorCategory
    {
        NotSpecified,
        InvalidArgument,
        InvalidData,
        InvalidOperation,
        ObjectNotFound,
        PermissionDenied,
        ResourceBusy,
        ResourceExists,
        ResourceUnavailable,
        ReadError,
        WriteError,
        ConnectionError,
        AuthenticationError,
        SecurityError,
        OperationStopped,
        OperationTimeout,
        LimitsExceeded,
    }
}
