using System;
using System.Collections.Generic;
using System.IO;
using BqBackup.Storage;
using BqBackup.Storage.S3;
using Xunit;

namespace BqBackup.Tests.Storage.S3
{
    /// <summary>
    /// -Region absent and a profile named: its region comes from the shared files as AWS.Tools reads
    /// them, after -Region and the environment. Real files in a temp HOME; the environment is a
    /// dictionary, so nothing of this machine's ~/.aws or variables is read.
    /// </summary>
    public sealed class AwsProfileRegionTests : IDisposable
    {
        private readonly string home = Path.Combine(Path.GetTempPath(), "bq-region-" + Guid.NewGuid().ToString("N"));

        public AwsProfileRegionTests() => Directory.CreateDirectory(Path.Combine(home, ".aws"));

        public void Dispose() => Directory.Delete(home, recursive: true);

        private string Write(string relative, string text)
        {
            var path = Path.Combine(home, relative);
            File.WriteAllText(path, text);
            return path;
        }

        private IEnvironment Env(params (string name, string value)[] vars)
        {
            var d = new Dictionary<string, string> { ["HOME"] = home, ["USERPROFILE"] = home };
            foreach (var (n, v) in vars) d[n] = v;
            return new DictionaryEnvironment(d);
        }

        private static string RegionOf(S3Options options, IEnvironment env) => S3ClientFactory.Resolve(options, env).Region;

        [Fact]
        public void The_named_profiles_region_in_HOME_aws_config_is_used_when_Region_is_absent()
        {
            Write(".aws/config", "[default]\nregion = us-west-1\n\n[profile ops]\noutput = json\nregion = eu-central-1\n\n[profile other]\nregion = ap-south-1\n");
            Assert.Equal("eu-central-1", RegionOf(new S3Options { ProfileName = "ops" }, Env()));
            Assert.Equal("us-west-1", RegionOf(new S3Options { ProfileName = "default" }, Env()));
        }

        [Fact]
        public void AWS_CONFIG_FILE_is_honoured_instead_of_HOME()
        {
            Write(".aws/config", "[profile ops]\nregion = eu-central-1\n");
            var elsewhere = Write("elsewhere-config", "[profile ops]\nregion = eu-north-1\n");
            Assert.Equal("eu-north-1", RegionOf(new S3Options { ProfileName = "ops" }, Env(("AWS_CONFIG_FILE", elsewhere))));
        }

        [Fact]
        public void The_credentials_files_profile_section_sets_it_too_and_wins_over_the_config_file()
        {
            Write(".aws/config", "[profile ops]\nregion = eu-central-1\n");
            var location = Write("creds", "[ops]\naws_access_key_id = K\naws_secret_access_key = S\nregion = sa-east-1\n");
            Assert.Equal("sa-east-1", RegionOf(new S3Options { ProfileName = "ops", ProfileLocation = location }, Env()));
            Write(".aws/credentials", "[ops]\nregion = ca-central-1\n");
            Assert.Equal("ca-central-1", RegionOf(new S3Options { ProfileName = "ops" }, Env()));
        }

        [Fact]
        public void Region_and_then_the_environment_come_before_the_profile()
        {
            Write(".aws/config", "[profile ops]\nregion = eu-central-1\n");
            var ops = new S3Options { ProfileName = "ops" };
            Assert.Equal("us-east-2", RegionOf(new S3Options { ProfileName = "ops", Region = "us-east-2" }, Env(("AWS_REGION", "eu-west-3"))));
            Assert.Equal("eu-west-3", RegionOf(ops, Env(("AWS_REGION", "eu-west-3"))));
            Assert.Equal("eu-west-2", RegionOf(ops, Env(("AWS_DEFAULT_REGION", "eu-west-2"))));
            Assert.Equal("eu-west-3", RegionOf(ops, Env(("AWS_REGION", "eu-west-3"), ("AWS_DEFAULT_REGION", "eu-west-2"))));
            Assert.Equal("eu-central-1", RegionOf(ops, Env()));
        }

        [Fact]
        public void Only_that_profiles_own_region_line_counts()
        {
            // A config section without "profile " is not profile ops; an indented region is a nested setting;
            // another profile's region and a commented one are not its.
            Write(".aws/config", "[ops]\nregion = eu-central-1\n[profile ops]\ns3 =\n  region = eu-north-1\n# region = af-south-1\n[profile other]\nregion = ap-south-1\n");
            Assert.Equal("us-east-1", RegionOf(new S3Options { ProfileName = "ops" }, Env()));
            Assert.Equal("us-east-1", RegionOf(new S3Options(), Env()));
        }

        [Fact]
        public void Missing_files_set_no_region()
        {
            Assert.Null(AwsProfileRegion.Of("ops", Path.Combine(home, "no-such-file"), Env(("AWS_CONFIG_FILE", Path.Combine(home, "no-such-config")))));
            Assert.Equal("auto", RegionOf(new S3Options { ProfileName = "ops", EndpointUrl = "https://acct.r2.cloudflarestorage.com" }, Env()));
        }
    }
}
