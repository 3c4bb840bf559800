namespace BqBackup.Protection
{
    /// <summary>The verdicts of a protection check: a scheduled job alerts on anything but Pass.</summary>
    public static class ProtectionVerdict
    {
        public const string Pass = "Pass";
        public const string Warn = "Warn";
    }
}
