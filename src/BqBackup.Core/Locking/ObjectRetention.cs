using System;
using System.Globalization;

namespace BqBackup.Locking
{
    /// <summary>A retention (mode and date) as a write asks for it, or as read back from a version's <see cref="Storage.ObjectLockState"/>.</summary>
    public sealed class ObjectRetention
    {
        public ObjectRetention(ObjectLockMode mode, DateTime retainUntilUtc)
        {
            Mode = mode;
            RetainUntilUtc = DateTime.SpecifyKind(retainUntilUtc.ToUniversalTime(), DateTimeKind.Utc);
        }

        public ObjectLockMode Mode { get; }
        public DateTime RetainUntilUtc { get; }

        /// <summary>Whether the lock still forbids deleting the version at <paramref name="nowUtc"/>.</summary>
        public bool IsActive(DateTime nowUtc) => RetainUntilUtc > nowUtc.ToUniversalTime();

        /// <summary>At least as strong as <paramref name="wanted"/>: as late (to the second stores keep), and Compliance where Compliance was asked.</summary>
        public bool Covers(ObjectRetention wanted) =>
            wanted == null || (RetainUntilUtc >= wanted.RetainUntilUtc.AddSeconds(-1) && (wanted.Mode == ObjectLockMode.Governance || Mode == ObjectLockMode.Compliance));

        /// <summary>S3's spelling of the mode (x-amz-object-lock-mode).</summary>
        public string S3Mode => Mode == ObjectLockMode.Compliance ? "COMPLIANCE" : "GOVERNANCE";

        /// <summary>The retention a version carries (its legal hold aside); null when it has none.</summary>
        public static ObjectRetention From(Storage.ObjectLockState state) =>
            state?.Mode != null && state.RetainUntil.HasValue && TryParseMode(state.Mode, out var mode) ? new ObjectRetention(mode, state.RetainUntil.Value) : null;

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
