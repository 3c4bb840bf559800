using System.Text.RegularExpressions;

namespace BqBackup.Storage
{
    /// <summary>
    /// URLs as they may be printed: the user-info part (KEY:SECRET@) and the query string (a
    /// pre-signed URL's signature) are replaced by ***, whatever else is wrong with the text.
    /// </summary>
    public static class UrlRedaction
    {
        private static readonly Regex UserInfo = new Regex(@"(?<=^[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#]*@", RegexOptions.CultureInvariant);
        private static readonly Regex Query = new Regex(@"[?#].*$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

        public static string Redact(string url)
        {
            if (string.IsNullOrEmpty(url)) return url;
            var text = UserInfo.Replace(url, "***@");
            return Query.Replace(text, m => m.Value[0] + "***");
        }

        private static readonly Regex EmbeddedUserInfo = new Regex(@"(?<=\b[A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#'""@]*@", RegexOptions.CultureInvariant);
        private static readonly Regex EmbeddedQuery = new Regex(@"(?<=\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s'""?#]*)[?#][^\s'""]*", RegexOptions.CultureInvariant);

        /// <summary>Free text (a message, a name a user typed) with every URL in it redacted as <see cref="Redact"/> does.</summary>
        public static string RedactText(string text)
        {
            if (string.IsNullOrEmpty(text) || text.IndexOf("://", System.StringComparison.Ordinal) < 0) return text;
            return EmbeddedQuery.Replace(EmbeddedUserInfo.Replace(text, "***@"), m => m.Value[0] + "***");
        }

        /// <summary>True when the text carries user info (credentials) before its host.</summary>
        public static bool HasUserInfo(string url) => !string.IsNullOrEmpty(url) && UserInfo.IsMatch(url);
    }
}
