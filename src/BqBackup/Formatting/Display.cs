using System;
using System.Globalization;

namespace BqBackup.Formatting
{
    /// <summary>
    /// Sizes and ages as people read them, for the format views (BqBackup.Format.ps1xml) and the
    /// completion tooltips: 1.4 MiB, 3.2 h, 2.0 d.
    /// </summary>
    public static class Display
    {
        private static readonly string[] Units = { "KiB", "MiB", "GiB", "TiB", "PiB" };

        /// <summary>Bytes in binary units: "512 B", "1.5 KiB", "12.3 MiB", "1.23 GiB"; empty for null.</summary>
        public static string Size(long? bytes)
        {
            if (!bytes.HasValue) return string.Empty;
            var b = bytes.Value;
            if (Math.Abs(b) < 1024) return b.ToString("N0", CultureInfo.CurrentCulture) + " B";
            double value = b;
            var unit = -1;
            while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
            {
                value /= 1024;
                unit++;
            }
            var format = Math.Abs(value) >= 100 ? "N0" : unit >= 2 ? "N2" : "N1";
            return value.ToString(format, CultureInfo.CurrentCulture) + " " + Units[unit];
        }

        /// <summary>A size for the list views: "1.5 MiB (1,572,864 bytes)"; empty for null.</summary>
        public static string SizeWithBytes(long? bytes) =>
            bytes.HasValue ? $"{Size(bytes)} ({bytes.Value.ToString("N0", CultureInfo.CurrentCulture)} bytes)" : string.Empty;

        /// <summary>A duration or age: "42 s", "12 min", "3.2 h", "2.0 d"; a negative one (a clock ahead) keeps its sign; empty for null.</summary>
        public static string Age(TimeSpan? age)
        {
            if (!age.HasValue) return string.Empty;
            var a = age.Value;
            var sign = a < TimeSpan.Zero ? "-" : string.Empty;
            if (a < TimeSpan.Zero) a = a.Negate();
            var c = CultureInfo.CurrentCulture;
            if (a.TotalMinutes < 1) return sign + Math.Floor(a.TotalSeconds).ToString("N0", c) + " s";
            if (a.TotalHours < 1) return sign + Math.Floor(a.TotalMinutes).ToString("N0", c) + " min";
            if (a.TotalDays < 1) return sign + a.TotalHours.ToString("N1", c) + " h";
            return sign + a.TotalDays.ToString("N1", c) + " d";
        }

        /// <summary>How long something took: "0.42 s", "12.5 s", then as Age ("3 min", "1.2 h"); empty for null.</summary>
        public static string Duration(TimeSpan? duration)
        {
            if (!duration.HasValue) return string.Empty;
            return duration.Value.Duration().TotalMinutes < 1
                ? duration.Value.TotalSeconds.ToString(Math.Abs(duration.Value.TotalSeconds) < 10 ? "N2" : "N1", CultureInfo.CurrentCulture) + " s"
                : Age(duration);
        }

        /// <summary>
        /// Text broken into lines of at most <paramref name="width"/> characters at spaces (a
        /// longer word is cut), for a wrapped table column: PowerShell itself cuts a wrapped cell
        /// mid-word. Empty for null.
        /// </summary>
        public static string Wrap(string text, int width)
        {
            if (string.IsNullOrEmpty(text) || width < 1) return text ?? string.Empty;
            var lines = new System.Collections.Generic.List<string>();
            var line = new System.Text.StringBuilder();
            foreach (var word in text.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var rest = word;
                if (line.Length > 0 && line.Length + 1 + rest.Length > width) { lines.Add(line.ToString()); line.Clear(); }
                while (rest.Length > width) { lines.Add(rest.Substring(0, width)); rest = rest.Substring(width); }
                if (line.Length > 0) line.Append(' ');
                line.Append(rest);
            }
            if (line.Length > 0) lines.Add(line.ToString());
            return string.Join("\n", lines);
        }

        /// <summary>A UTC time as the views show it: "2026-11-24 03:00:00 UTC"; empty for null.</summary>
        public static string Time(DateTime? utc)
        {
            if (!utc.HasValue) return string.Empty;
            var t = utc.Value.Kind == DateTimeKind.Local ? utc.Value.ToUniversalTime() : utc.Value;
            return t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        }
    }
}
