using System;

namespace BqBackup.Storage
{
    /// <summary>The Object Lock on one object version, as HEAD reports it.</summary>
    public sealed class ObjectLockState
    {
        /// <summary>GOVERNANCE or COMPLIANCE; null when the object carries no retention.</summary>
        public string Mode { get; set; }
        /// <summary>Until when the retention forbids deleting or overwriting this version, UTC.</summary>
        public DateTime? RetainUntil { get; set; }
        public bool LegalHold { get; set; }

        /// <summary>A retention that has not run out, or a legal hold, protects the version at <paramref name="nowUtc"/>.</summary>
        public bool IsLockedAt(DateTime nowUtc) => LegalHold || (Mode != null && RetainUntil.HasValue && RetainUntil.Value > nowUtc);

        public override string ToString() =>
            Mode == null && !LegalHold ? "not locked"
                : (Mode != null ? $"{Mode} until {RetainUntil:yyyy-MM-dd HH:mm:ss} UTC" : "") + (LegalHold ? (Mode != null ? ", " : "") + "legal hold" : "");
    }
}
