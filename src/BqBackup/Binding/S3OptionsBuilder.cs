using System.Collections;
using System.Management.Automation;
using BqBackup.Storage;
using BqBackup.Storage.S3;

namespace BqBackup.Binding
{
    /// <summary>
    /// The one reading of the S3 parameters (-EndpointUrl, -Region, -AccessKey, -SecretKey,
    /// -Credential, -SessionToken, -ProfileName, -ProfileLocation, -ForcePathStyleAddressing) into
    /// S3Options: the cmdlets give it their bound parameters, the argument completers the parameters
    /// typed so far. -AccessKey and -SecretKey win over -Credential (a PSCredential, or an
    /// AWSCredentials as AWS.Tools takes it); path style counts only when given.
    /// </summary>
    internal static class S3OptionsBuilder
    {
        public static S3Options From(IDictionary boundParameters)
        {
            var credentialValue = Bound(boundParameters, "Credential");
            var credential = credentialValue as PSCredential;
            var options = new S3Options
            {
                EndpointUrl = BoundString(boundParameters, "EndpointUrl"),
                Region = BoundString(boundParameters, "Region"),
                AccessKey = BoundString(boundParameters, "AccessKey") ?? credential?.UserName,
                SecretKey = SecretText(Bound(boundParameters, "SecretKey")) ?? SecretText(credential?.Password),
                SessionToken = SecretText(Bound(boundParameters, "SessionToken")),
                ProfileName = BoundString(boundParameters, "ProfileName"),
                ProfileLocation = BoundString(boundParameters, "ProfileLocation"),
            };
            if (credential == null && AwsCredentialObjects.IsAwsCredentials(credentialValue)
                && options.AccessKey == null && options.SecretKey == null)
                options.AwsCredentials = credentialValue;
            switch (Bound(boundParameters, "ForcePathStyleAddressing") ?? Bound(boundParameters, "ForcePathStyle"))
            {
                case SwitchParameter sp: options.ForcePathStyle = sp.IsPresent; break;
                case bool b: options.ForcePathStyle = b; break;
            }
            return options;
        }

        /// <summary>The one conversion of a secret to text: a string as it is, a SecureString read out; anything else is refused.</summary>
        public static string SecretText(object secret)
        {
            switch (secret is PSObject pso ? pso.BaseObject : secret)
            {
                case null: return null;
                case string s: return s;
                case System.Security.SecureString secure: return new System.Net.NetworkCredential(string.Empty, secure).Password;
                default:
                    throw new PSArgumentException("-SecretKey and -SessionToken take a string or a SecureString.", "SecretKey");
            }
        }

        /// <summary>The value of a parameter, unwrapped from its PSObject; null when absent.</summary>
        internal static object Bound(IDictionary boundParameters, string name)
        {
            if (boundParameters == null || !boundParameters.Contains(name)) return null;
            var value = boundParameters[name];
            return value is PSObject pso ? pso.BaseObject : value;
        }

        /// <summary>A parameter's value as a string (one typed as a one-element array included); null when absent or not a plain string.</summary>
        internal static string BoundString(IDictionary boundParameters, string name)
        {
            var value = Bound(boundParameters, name);
            if (value is string s) return s;
            if (value is object[] array && array.Length == 1) return (array[0] is PSObject p ? p.BaseObject : array[0]) as string;
            return null;
        }
    }
}
