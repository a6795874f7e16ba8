package io.meridian.nextcloud;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/** Reads a WebDAV 207 Multi-Status answer: one entry per {@code <response>}, with its successful properties. */
final class Multistatus {
    private static final String DAV = "DAV:";

    /** One {@code <response>}: the decoded path of its href and its properties found with status 200. */
    record Response(String decodedPath, Map<String, Element> props) {
        String text(String name) {
            Element e = props.get(name);
            return e == null ? null : e.getTextContent().trim();
        }

        boolean isCollection() {
            Element type = props.get("resourcetype");
            return type != null && type.getElementsByTagNameNS(DAV, "collection").getLength() > 0;
        }
    }

    private Multistatus() {
    }

    static List<Response> parse(byte[] xml) throws DavException {
        Document doc;
        try {
            doc = builder().parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new DavException(502, "the WebDAV server sent an unreadable PROPFIND answer");
        }
        List<Response> out = new ArrayList<>();
        NodeList responses = doc.getElementsByTagNameNS(DAV, "response");
        for (int i = 0; i < responses.getLength(); i++) {
            Element response = (Element) responses.item(i);
            Element href = first(response, "href");
            if (href == null) {
                continue;
            }
            Map<String, Element> props = new HashMap<>();
            for (Element propstat : children(response, "propstat")) {
                Element status = first(propstat, "status");
                if (status == null || !status.getTextContent().contains(" 200 ")) {
                    continue;
                }
                for (Element prop : children(propstat, "prop")) {
                    for (Node n = prop.getFirstChild(); n != null; n = n.getNextSibling()) {
                        if (n instanceof Element e) {
                            props.put(e.getLocalName(), e);
                        }
                    }
                }
            }
            out.add(new Response(hrefPath(href.getTextContent().trim()), props));
        }
        return out;
    }

    static Instant httpDate(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static long number(String value, long fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static String hrefPath(String href) {
        String raw;
        try {
            raw = URI.create(href.replace(" ", "%20")).getRawPath();
        } catch (IllegalArgumentException e) {
            raw = href;
        }
        return DavPaths.decode(raw == null ? href : raw);
    }

    private static Element first(Element parent, String localName) {
        List<Element> found = children(parent, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && DAV.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    // Server answers are untrusted input: no DTDs, no external entities.
    private static DocumentBuilder builder() throws DavException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new DavException("no XML parser available", e);
        }
    }
}
