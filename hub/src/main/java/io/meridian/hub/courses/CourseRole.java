package io.meridian.hub.courses;

/** What a member does in a course. Admins act as instructors of every course without being members. */
public enum CourseRole {
    INSTRUCTOR, STUDENT;

    public String db() {
        return name().toLowerCase();
    }

    public static CourseRole fromDb(String value) {
        return valueOf(value.toUpperCase());
    }
}
