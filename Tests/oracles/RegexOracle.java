// Real regex engines for the translation's differential test. Usage (single-file launch):
//   java -cp /usr/share/java/joni.jar:/usr/share/java/jcodings.jar RegexOracle.java java|joni
// stdin lines: "<pattern hex> <subject hex>" (UTF-8 bytes in hex); prints 1 (found), 0, or E:<message>.
//   java: java.util.regex, Pattern.compile(p).matcher(s).find() — the "Java pattern syntax" Timestream documents;
//   joni: joni (Oniguruma's Java port) as Presto/Trino run regexp_like — Syntax.Java, Option.DEFAULT, UTF-8 —
//         the engine of Timestream's Presto-derived SQL (Debian package libjruby-joni-java).
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.jcodings.specific.UTF8Encoding;
import org.joni.Option;
import org.joni.Regex;
import org.joni.Syntax;

public class RegexOracle {
    public static void main(String[] args) throws IOException {
        boolean joni = args.length > 0 && args[0].equals("joni");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        HexFormat hex = HexFormat.of();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] parts = line.split(" ", -1);
            byte[] pattern = hex.parseHex(parts[0]);
            byte[] subject = hex.parseHex(parts[1]);
            try {
                boolean found;
                if (joni) {
                    Regex regex = new Regex(pattern, 0, pattern.length, Option.DEFAULT, UTF8Encoding.INSTANCE, Syntax.Java);
                    found = regex.matcher(subject).search(0, subject.length, Option.DEFAULT) != -1;
                } else {
                    found = Pattern.compile(new String(pattern, StandardCharsets.UTF_8))
                        .matcher(new String(subject, StandardCharsets.UTF_8)).find();
                }
                out.println(found ? "1" : "0");
            } catch (Exception e) {
                out.println("E:" + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
    }
}
