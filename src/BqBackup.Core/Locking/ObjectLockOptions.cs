using System;
using System.Globalization;
using BqBackup.Storage;

namespace BqBackup.Locking
{
    /// <summary>
    /// The lock a write asks for (New-BqBackup's -LockMode with -LockDays or -LockUntil; the same
    /// options serve any command that writes backups). Days count from when the backup is taken.
    /// </summary>
    public sealed class ObjectLockOptions
    {
        public const string ModeVariable = "BQBACKUP_LOCK_MODE";
        public const string DaysVariable = "BQBACKUP_LOCK_DAYS";
        /// <summary>S3 refuses retain-until dates more than 100 years ahead.</summary>
        public const int MaxDays = 36500;

        public ObjectLockMode Mode { get; set; }
        public int? Days { get; set; }
        public DateTime? Until { get; set; }

        /// <summary>The date body and sidecar are locked until, for a backup taken at <paramref name="takenAtUtc"/>.</summary>
        public ObjectRetention For(DateTime takenAtUtc) =>
            new ObjectRetention(Mode, WholeSecond(Until?.ToUniversalTime() ?? takenAtUtc.ToUniversalTime().AddDays(Days.Value)));

        /// <summary>Stores keep retain-until dates to the second: rounded up, what is read back is what was asked.</summary>
        private static DateTime WholeSecond(DateTime utc)
        {
            var rest = utc.Ticks % TimeSpan.TicksPerSecond;
            return rest == 0 ? utc : new DateTime(utc.Ticks - rest + TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        }

        /// <summary>
        /// The options the parameters ask for, else those of BQBACKUP_LOCK_MODE and BQBACKUP_LOCK_DAYS
        /// (an unattended run's environment file; a null <paramref name="environment"/> is not read),
        /// else null: no lock asked (a bucket's default retention still locks). A half-given or
        /// impossible setting is InvalidLockSetting.
        /// </summary>
        public static ObjectLockOptions Resolve(ObjectLockMode? mode, int? days, DateTime? until, IEnvironment environment, DateTime nowUtc)
        {
            var env = environment;
            if (!mode.HasValue && !days.HasValue && !until.HasValue)
            {
                if (env == null) return null;
                var modeText = env.Get(ModeVariable);
                var daysText = env.Get(DaysVariable);
                if (string.IsNullOrWhiteSpace(modeText) && string.IsNullOrWhiteSpace(daysText)) return null;
                if (string.IsNullOrWhiteSpace(modeText) || !ObjectRetention.TryParseMode(modeText.Trim(), out var fromEnv))
                    throw Invalid($"{ModeVariable}='{modeText}' is not Governance or Compliance.", modeText, $"Set {ModeVariable} to Governance or Compliance, and {DaysVariable} to a number of days.");
                if (!int.TryParse(daysText?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var envDays))
                    throw Invalid($"{DaysVariable}='{daysText}' is not a whole number of days.", daysText, $"Set {DaysVariable} to the days each backup stays locked, e.g. 30.");
                mode = fromEnv;
                days = envDays;
            }
            var options = new ObjectLockOptions { Mode = mode ?? ObjectLockMode.Governance, Days = days, Until = until?.ToUniversalTime() };
            if (!mode.HasValue)
                throw Invalid("-LockDays and -LockUntil need -LockMode (Governance or Compliance).", null, "Add -LockMode Governance (or Compliance: nobody can shorten it).");
            options.Validate(nowUtc);
            return options;
        }

        public void Validate(DateTime nowUtc)
        {
            if (Days.HasValue == Until.HasValue)
                throw Invalid(Days.HasValue ? "-LockDays and -LockUntil were both given." : $"-LockMode {Mode} needs how long: -LockDays or -LockUntil.",
                    Mode.ToString(), "Give one of -LockDays n or -LockUntil <date>.");
            if (Days.HasValue && (Days.Value < 1 || Days.Value > MaxDays))
                throw Invalid($"-LockDays {Days.Value} is out of range.", Days.Value, $"Give 1 to {MaxDays} days.");
            if (Until.HasValue && Until.Value.ToUniversalTime() <= nowUtc.ToUniversalTime())
                throw Invalid($"-LockUntil {Until.Value.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC is not in the future.", Until.Value, "Give a date after now.");
            if (Until.HasValue && Until.Value.ToUniversalTime() > nowUtc.ToUniversalTime().AddDays(MaxDays))
                throw Invalid($"-LockUntil {Until.Value.ToUniversalTime():yyyy-MM-dd} UTC is more than {MaxDays} days away.", Until.Value, "Give a nearer date.");
        }

        public string Describe() => Days.HasValue
            ? $"{Mode} for {Days} day(s)"
            : $"{Mode} until {Until.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC";

        private static BqBackupException Invalid(string message, object value, string action) =>
            new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument, message, value, action);
    }
}
