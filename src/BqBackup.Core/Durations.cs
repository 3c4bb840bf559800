using System;

namespace BqBackup
{
    /// <summary>
    /// How the output types carry a duration for export: seconds, to the millisecond, as a number
    /// (ConvertTo-Json writes a TimeSpan as fifteen fields). The TimeSpan stays internal; the
    /// module's types file (BqBackup.Types.ps1xml) gives it back to scripts as a hidden property
    /// of the TimeSpan's name, which ConvertTo-Json and Export-Csv leave out.
    /// </summary>
    internal static class Durations
    {
        public static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3);

        public static double? Seconds(TimeSpan? span) => span.HasValue ? Seconds(span.Value) : (double?)null;
    }
}
