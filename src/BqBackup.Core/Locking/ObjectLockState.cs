using System;
using System.Globalization;

namespace BqBackup.Locking
{
    /// <summary>The lock one object version carries, as the store reports it (HEAD) or as a write asks for it.</summary>
    public sealed class ObjectLockState
    {
        public ObjectLockState(ObjectLockMode mode, DateTime retainUntilUtc)
        {
            Mode = mode;
            RetainUntilUtc = DateTime.SpecifyKind(retainUntilUtc.ToUniversalTime(), DateTimeKind.Utc);
        }

        public ObjectLockMode Mode { get; }
        public DateTime RetainUntilUtc { get; }

        /// <summary>Whether the lock still forbids deleting the version at <paramref name="nowUtc"/>.</summary>
        public bool IsActive(DateTime nowUtc) => RetainUntilUtc > nowUtc.ToUniversalTime();

        /// <summary>At least as strong as <paramref name="wanted"/>: as late (to the second stores keep), and Compliance where Compliance was asked.</summary>
        public bool Covers(ObjectLockState wanted) =>
            wanted == null || (RetainUntilUtc >= wanted.RetainUntilUtc.AddSeconds(-1) && (wanted.Mode == ObjectLockMode.Governance || Mode == ObjectLockMode.Compliance));

        /// <summary>S3's spelling of the mode (x-amz-object-lock-mode).</summary>
        public string S3Mode => Mode == ObjectLockMode.Compliance ? "COMPLIANCE" : "GOVERNANCE";

        public static bool TryParseMode(string text, out ObjectLockMode mode)
        {
            mode = ObjectLockMode.Governance;
            if (string.Equals(text, "GOVERNANCE", StringComparison.OrdinalIgnoreCase)) return true;
            if (!string.Equals(text, "COMPLIANCE", StringComparison.OrdinalIgnoreCase)) return false;
            mode = ObjectLockMode.Compliance;
            return true;
        }

        public override string ToString() =>
            $"{Mode} until {RetainUntilUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";
    }
}
